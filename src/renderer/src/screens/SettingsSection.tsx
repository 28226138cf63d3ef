import { useId, type ReactNode } from 'react';
import './SettingsScreen.css';

/** One titled card of the Settings screen, named by its heading for screen readers. */
export function Section(props: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card settings-section" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </section>
  );
}
