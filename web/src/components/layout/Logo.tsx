export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path d="M8 11.5A3.5 3.5 0 0 1 11.5 8h9A3.5 3.5 0 0 1 24 11.5v6a3.5 3.5 0 0 1-3.5 3.5H15l-4.5 3.5V21A2.5 2.5 0 0 1 8 18.5z" fill="#fff" />
      <path d="M12 14.5l2.5 2 5.5-5" fill="none" stroke="var(--accent)" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function Logo() {
  return (
    <span className="logo">
      <LogoMark />
      <span className="logo-text">MessageSender</span>
    </span>
  );
}
