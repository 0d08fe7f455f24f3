// For tests and benchmarks that drive an endpoint directly: the value of a call that must
// succeed, or a throw with the refusal's code and message (the app shows refusals as notices).
import type { ApiResult } from './api.ts';

export function okValue<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
