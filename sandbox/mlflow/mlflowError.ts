/**
 * MLflow's MlflowException as the sandbox registry throws it: an error code from
 * databricks.proto and a message, answered as `{"error_code", "message"}` with the HTTP status of
 * ERROR_CODE_TO_HTTP_STATUS (mlflow/exceptions.py; protocols.md §1.5). Note RESOURCE_ALREADY_EXISTS
 * is 400, not 409, and an exception raised without a code is INTERNAL_ERROR (500).
 */

const httpStatusByCode = {
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  ALREADY_EXISTS: 409,
  RESOURCE_CONFLICT: 409,
  ABORTED: 409,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
} as const;

export type MlflowErrorCode = keyof typeof httpStatusByCode;

export class MlflowError extends Error {
  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return httpStatusByCode[this.errorCode];
  }

  toJson(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export function httpStatusOf(code: MlflowErrorCode): number {
  return httpStatusByCode[code];
}

/** MlflowException.invalid_parameter_value, the store's most common answer. */
export function invalidParameter(message: string): MlflowError {
  return new MlflowError("INVALID_PARAMETER_VALUE", message);
}
