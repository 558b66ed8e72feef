export {
  DEFAULT_KEY_LAYOUT,
  fileExtension,
  formatObjectKey,
  parseObjectKey,
  topicPrefix,
  type Compression,
  type KeyLayout,
  type ObjectKeyParts,
  type ParseKeyResult,
} from "./keys";
