/**
 * The sink's S3 credentials from its settings (Confluent's keys), through the AWS SDK's own providers:
 * - `aws.access.key.id` + `aws.secret.access.key`: those static keys;
 * - `s3.credentials.provider.class=...AwsAssumeRoleCredentialsProvider` + `s3.credentials.provider.sts.role.*`:
 *   STS AssumeRole (`fromTemporaryCredentials`, refreshed before expiry), from the static keys when given, else
 *   from the SDK's default chain (env, profile, SSO, web identity, IMDS);
 * - neither: undefined, i.e. createS3Client's own rule (the SDK chain; MinIO's dev keys on localhost).
 * A profile with `role_arn` (AWS_PROFILE) is assumed by the default chain itself (fromIni). Never logs a key.
 * STS is the region's endpoint unless AWS_ENDPOINT_URL_STS (the SDK's own variable) says otherwise.
 */
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { SinkSettings } from "@weblog/sink-contract";
import type { S3Credentials } from "./client";

type Provider = ReturnType<typeof fromTemporaryCredentials>;

export type SettingsCredentials =
  | { kind: "static"; credentials: S3Credentials }
  | { kind: "assume-role"; provider: Provider; roleArn: string }
  | undefined;

/** Our session name when `s3.credentials.provider.sts.role.session.name` is unset (Confluent requires one). */
export const DEFAULT_ROLE_SESSION_NAME = "weblog-s3-sink";

export function credentialsFromSettings(
  s: Pick<
    SinkSettings,
    | "region"
    | "awsAccessKeyId"
    | "awsSecretAccessKey"
    | "credentialsProvider"
    | "stsRoleArn"
    | "stsRoleSessionName"
    | "stsRoleExternalId"
  >,
): SettingsCredentials {
  const keys =
    s.awsAccessKeyId && s.awsSecretAccessKey
      ? { accessKeyId: s.awsAccessKeyId, secretAccessKey: s.awsSecretAccessKey }
      : undefined;
  if (s.credentialsProvider === "assume-role" && s.stsRoleArn) {
    const provider = fromTemporaryCredentials({
      params: {
        RoleArn: s.stsRoleArn,
        RoleSessionName: s.stsRoleSessionName ?? DEFAULT_ROLE_SESSION_NAME,
        ...(s.stsRoleExternalId ? { ExternalId: s.stsRoleExternalId } : {}),
      },
      ...(keys ? { masterCredentials: keys } : {}),
      // STS at the region's endpoint; AWS_ENDPOINT_URL_STS (the SDK's own setting) points it elsewhere
      clientConfig: { region: s.region },
    });
    return { kind: "assume-role", provider, roleArn: s.stsRoleArn };
  }
  return keys ? { kind: "static", credentials: keys } : undefined;
}
