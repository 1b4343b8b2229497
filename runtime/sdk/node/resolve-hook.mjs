// Module resolution hook for node steps (see register.mjs).
let sdk;
let fallbackParent;

export function initialize(data) {
  sdk = data.sdk;
  fallbackParent = data.fallbackParent;
}

const isBare = (s) => !s.startsWith('.') && !s.startsWith('/') && !/^[a-z]+:/.test(s);

export async function resolve(specifier, context, next) {
  if (specifier === 'mlpipe/sdk' || specifier === 'mlpipe-sdk') return { url: sdk, shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier) || !fallbackParent) throw e;
    return next(specifier, { ...context, parentURL: fallbackParent });
  }
}
