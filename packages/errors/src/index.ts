export { causes, findCause } from "./causes";
export { isExpectedError, isWeblogError, WeblogError, type WeblogErrorOptions } from "./weblog-error";
