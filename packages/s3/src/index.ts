export {
  type CredentialSource,
  checkBucket,
  createS3Client,
  credentialSourceFor,
  MINIO_DEV_CREDENTIALS,
  type S3ClientOptions,
  type S3Credentials,
} from "./client";
export { credentialsFromSettings, DEFAULT_ROLE_SESSION_NAME, type SettingsCredentials } from "./credentials";
export {
  bucketVanished,
  describeEndpoint,
  explainS3Error,
  isNotImplemented,
  type S3ErrorCode,
  type S3ErrorContext,
  S3SideError,
  sseCustomerKeyRefusal,
} from "./errors";
export {
  getObjectBody,
  type ListedObject,
  type ListOptions,
  listAllObjects,
  listLevel,
  listSinkObjects,
  putObjectBody,
  putRecordLines,
  readRecordsFromObject,
  type SinkObject,
} from "./objects";
export {
  completeParams,
  createParams,
  type ObjectEncryption,
  type ObjectWriteParams,
  offsetTags,
  uploadPartParams,
  writeParamsOf,
} from "./write-params";
