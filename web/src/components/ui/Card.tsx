import type { HTMLAttributes, ReactNode } from 'react';

export function Card({ className, ...rest }: HTMLAttributes<HTMLElement>) {
  return <section className={['card', className].filter(Boolean).join(' ')} {...rest} />;
}

interface CardHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** Heading id, so the section can be labelled by it. */
  titleId?: string;
}

export function CardHeader({ title, description, actions, titleId }: CardHeaderProps) {
  return (
    <header className="card-header">
      <div className="card-heading">
        <h2 className="card-title" id={titleId}>
          {title}
        </h2>
        {description && <p className="card-description">{description}</p>}
      </div>
      {actions && <div className="card-actions">{actions}</div>}
    </header>
  );
}

export function CardBody({ className, ...rest }: HTMLAttributes<HTMLDivElement>) {
  return <div className={['card-body', className].filter(Boolean).join(' ')} {...rest} />;
}

export function CardFooter({ className, ...rest }: HTMLAttributes<HTMLDivElement>) {
  return <footer className={['card-footer', className].filter(Boolean).join(' ')} {...rest} />;
}
