import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, resetClientSession } from './client';
import { queryKeys } from './queryKeys';
import type { User, Workspace } from './types';
import { setStoredWorkspaceId } from './workspaceStore';

// Auth endpoints are not workspace-scoped, and a 401 from them is an answer, not an expired token.
const publicCall = { refreshOn401: false, redirectOn401: false, sendWorkspace: false } as const;

export interface LoginInput {
  email: string;
  password: string;
}

export interface SignupInput extends LoginInput {
  name: string;
}

export const login = (input: LoginInput) => api.post<{ user: User }>('/auth/login', input, publicCall);
export const signup = (input: SignupInput) =>
  api.post<{ user: User; workspace: Workspace }>('/auth/signup', input, publicCall);
export const logout = () => api.post<void>('/auth/logout', undefined, publicCall);
export const requestPasswordReset = (email: string) => api.post<void>('/auth/password/forgot', { email }, publicCall);
export const resetPassword = (token: string, password: string) =>
  api.post<void>('/auth/password/reset', { token, password }, publicCall);
export const verifyEmail = (token: string) => api.post<void>('/auth/verify-email', { token }, publicCall);
export const resendVerificationEmail = () =>
  api.post<void>('/auth/verify-email/resend', undefined, { sendWorkspace: false });

/** A different user may log in on the same browser: drop everything cached for the previous one. */
function useStartFreshSession() {
  const queryClient = useQueryClient();
  return () => {
    queryClient.removeQueries();
    setStoredWorkspaceId(null);
  };
}

export function useLogin() {
  const startFresh = useStartFreshSession();
  return useMutation({ mutationFn: login, onSuccess: startFresh });
}

export function useSignup() {
  const startFresh = useStartFreshSession();
  return useMutation({
    mutationFn: signup,
    onSuccess: (result) => {
      startFresh();
      setStoredWorkspaceId(result.workspace.id);
    },
  });
}

export function useLogout() {
  return useMutation({
    mutationFn: logout,
    // Local state is cleared by the caller after navigating away, even if the server call fails.
    onSettled: () => {
      resetClientSession();
      setStoredWorkspaceId(null);
    },
  });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: ({ token, password }: { token: string; password: string }) => resetPassword(token, password),
  });
}

export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: verifyEmail,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export function useResendVerificationEmail() {
  return useMutation({ mutationFn: resendVerificationEmail });
}
