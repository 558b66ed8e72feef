export { causes, findCause } from "./causes";
export { redactUrlPasswords, URL_PASSWORD_MASK } from "./redact-url";
export { isExpectedError, isWeblogError, WeblogError, type WeblogErrorOptions } from "./weblog-error";
