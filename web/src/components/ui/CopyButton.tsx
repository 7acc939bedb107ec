import { useEffect, useState } from 'react';
import { Button, type ButtonSize, type ButtonVariant } from './Button';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Self-hosted instances are often reached over plain HTTP, where the Clipboard API is missing.
  const textarea = document.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.opacity = '0';
  (document.querySelector('dialog[open]') ?? document.body).appendChild(textarea);
  textarea.select();
  const ok = document.execCommand('copy');
  textarea.remove();
  if (!ok) throw new Error('Copy failed');
}

interface CopyButtonProps {
  text: string;
  label?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
}

export function CopyButton({ text, label = 'Copy', variant = 'secondary', size = 'md' }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  return (
    <Button
      variant={variant}
      size={size}
      icon={state === 'copied' ? 'check' : 'copy'}
      onClick={() => copyText(text).then(() => setState('copied'), () => setState('failed'))}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy manually' : label}
    </Button>
  );
}
