import { initials } from '../../lib/format';

const palette = ['#5b5bd6', '#0d9488', '#d97706', '#db2777', '#2563eb', '#7c3aed', '#059669', '#dc2626'];

function colorFor(seed: string): string {
  let hash = 0;
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) | 0;
  return palette[Math.abs(hash) % palette.length] ?? palette[0]!;
}

interface AvatarProps {
  name: string;
  /** Keeps the colour stable when the display name changes. */
  seed?: string;
  size?: 'sm' | 'md' | 'lg';
  square?: boolean;
}

export function Avatar({ name, seed, size = 'md', square }: AvatarProps) {
  return (
    <span
      className={['avatar', `avatar-${size}`, square && 'avatar-square'].filter(Boolean).join(' ')}
      style={{ background: colorFor(seed ?? name) }}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
