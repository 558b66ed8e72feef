/**
 * The one rule for URLs in what weblog prints (error messages, log lines, the dashboard): the password of a
 * `scheme://user:password@host` URL is masked as `***` wherever it appears in a text; the user name and the rest of
 * the URL stay, so the message still names the endpoint (`http://minio:***@s3.example:9000`). The password is
 * everything between the user's `:` and the last `@` before the path (`/`, `?`, `#`) or a space, so a raw `@` or
 * `:` inside it is masked too. A scheme may hold `_` (Kafka's listener names: `SASL_SSL://user:pw@host:9093`). Used by `@weblog/s3` (endpoints), `@weblog/kafka-client` (broker addresses) and
 * `@weblog/cli`'s `redact` / `redactText` (log objects).
 */
export const URL_PASSWORD_MASK = "***";

const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+._-]*:\/\/[^\s/?#@:]*):[^\s/?#]*@/gi;

/** `text` with the password of every `scheme://user:password@` URL in it replaced by `***` (pure). */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_WITH_PASSWORD, `$1:${URL_PASSWORD_MASK}@`);
}
