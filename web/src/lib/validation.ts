// Client-side rules mirror the server's so most mistakes are caught before a round trip.
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
export const NAME_MAX = 100;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(value: string): string | undefined {
  const email = value.trim();
  if (!email) return 'Enter your email address.';
  if (!EMAIL_PATTERN.test(email)) return 'Enter a valid email address, like name@company.com.';
  return undefined;
}

export function validateNewPassword(value: string): string | undefined {
  if (!value) return 'Enter a password.';
  if (value.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (value.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  return undefined;
}

export function validateName(value: string, what = 'your name'): string | undefined {
  const name = value.trim();
  if (!name) return `Enter ${what}.`;
  if (name.length > NAME_MAX) return `Keep it under ${NAME_MAX + 1} characters.`;
  return undefined;
}

export function validateRequired(value: string, message: string): string | undefined {
  return value.trim() ? undefined : message;
}

export function validateConfirmation(value: string, original: string): string | undefined {
  if (!value) return 'Confirm the new password.';
  return value === original ? undefined : "Passwords don't match.";
}
