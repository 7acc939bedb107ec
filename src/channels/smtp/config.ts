/** A plain mailbox: SMTP to send, IMAP to read replies and to look in Sent. */
export interface SmtpChannelConfig {
  smtp: {
    host: string;
    port: number;
    /** 'tls': implicit TLS (465); 'starttls': plain then mandatory STARTTLS (587); 'none': no TLS at all. */
    secure: 'tls' | 'starttls' | 'none';
    user: string;
    password: string;
  };
  imap: {
    host: string;
    port: number;
    /** true: implicit TLS (993); false: plain, upgraded with STARTTLS when the server offers it. */
    secure: boolean;
    user: string;
    password: string;
    /** Where sent mail is kept; found by its \Sent special-use flag when not given. */
    sentFolder?: string;
  };
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** The sending domain; also our EHLO name, so the server never sees this host's own name. */
  fromDomain: string;
  /** Network timeouts; the defaults suit real servers, tests shorten them. */
  timeouts?: { connectMs?: number; socketMs?: number };
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_SOCKET_TIMEOUT_MS = 60_000;
