// Search validators for the public pages; unknown or malformed params are dropped, never trusted.

function readStringParam(search: Record<string, unknown>, key: string): string | undefined {
  const value = search[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export interface NextSearch {
  next?: string;
}

export interface SignupSearch extends NextSearch {
  email?: string;
}

export interface TokenSearch {
  token?: string;
}

export const validateNextSearch = (search: Record<string, unknown>): NextSearch => ({
  next: readStringParam(search, 'next'),
});

export const validateSignupSearch = (search: Record<string, unknown>): SignupSearch => ({
  next: readStringParam(search, 'next'),
  email: readStringParam(search, 'email'),
});

export const validateTokenSearch = (search: Record<string, unknown>): TokenSearch => ({
  token: readStringParam(search, 'token'),
});
