// Google API error bodies: `{"error":{"code","message","status","details"}}`, as the Gemini API sends
// them both as HTTP error responses and as a mid-stream `data:` event.

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Record<string, unknown>[];
  };
}

const STATUS_BY_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGE: Record<number, string> = {
  429: 'You exceeded your current quota, please check your plan and billing details. [offline model]',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'The request timed out. Please try again.',
};

export function statusForCode(code: number): string {
  return STATUS_BY_CODE[code] ?? (code >= 500 ? 'INTERNAL' : 'UNKNOWN');
}

export function googleError(
  code: number,
  message?: string,
  opts: { status?: string; details?: Record<string, unknown>[] } = {},
): GoogleErrorBody {
  const body: GoogleErrorBody = {
    error: {
      code,
      message: message ?? DEFAULT_MESSAGE[code] ?? `Offline model error ${code}.`,
      status: opts.status ?? statusForCode(code),
    },
  };
  if (opts.details) body.error.details = opts.details;
  return body;
}

/** 429 with the QuotaFailure and RetryInfo details clients read the back-off from. */
export function quotaExceededError(retryDelaySeconds = 20, message?: string): GoogleErrorBody {
  return googleError(429, message, {
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelaySeconds}s` },
    ],
  });
}

export function missingApiKeyError(): GoogleErrorBody {
  return googleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). " +
      'Please use API Key or other form of API consumer identity to call this API.',
  );
}

export function invalidApiKeyError(): GoogleErrorBody {
  const message = 'API key not valid. Please pass a valid API key.';
  return googleError(400, message, {
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    ],
  });
}

export function notFoundError(path: string): GoogleErrorBody {
  // The path is echoed without its query string, so a `?key=` can never leak into the message.
  return googleError(404, `Requested entity was not found: ${path.split('?')[0]}`);
}

export function invalidArgumentError(message: string): GoogleErrorBody {
  return googleError(400, message);
}

/** Vertex AI without any credential (its 401, as Google words it). */
export function missingCredentialError(): GoogleErrorBody {
  return googleError(
    401,
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other ' +
      'valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  );
}

/** Vertex AI with a bearer token that is not valid (unknown, expired, wrong scope). */
export function invalidCredentialError(): GoogleErrorBody {
  return googleError(
    401,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
      'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  );
}
