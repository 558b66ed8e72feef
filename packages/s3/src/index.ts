export {
  type CredentialSource,
  checkBucket,
  createS3Client,
  credentialSourceFor,
  MINIO_DEV_CREDENTIALS,
  type S3ClientOptions,
  type S3Credentials,
} from "./client";
export {
  bucketVanished,
  describeEndpoint,
  explainS3Error,
  isNotImplemented,
  type S3ErrorCode,
  type S3ErrorContext,
  S3SideError,
} from "./errors";
export {
  getObjectBody,
  type ListedObject,
  type ListOptions,
  listAllObjects,
  listSinkObjects,
  putObjectBody,
  putRecordLines,
  readRecordsFromObject,
  type SinkObject,
} from "./objects";
