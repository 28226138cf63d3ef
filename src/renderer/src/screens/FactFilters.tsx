import { useEffect, useId, useState } from 'react';
import type { Label } from '../../../shared/contract';
import type { FactFilters as Filters, FactsState } from '../store/facts-store';

const CONFIDENCE_STEPS = [0.5, 0.75, 0.9, 1];

/** Narrows the timeline or the trash by label, category, minimum confidence and space. */
export function FactFilters(props: {
  filters: Filters;
  labels: Label[];
  categories: string[];
  defaultSpace: string | null;
  setFilters: FactsState['setFilters'];
}) {
  const { filters, setFilters } = props;
  const id = useId();
  const [space, setSpace] = useState(filters.space ?? '');
  useEffect(() => setSpace(filters.space ?? ''), [filters.space]);
  const applySpace = () => {
    if (space.trim() !== (filters.space ?? '')) void setFilters({ space: space.trim() });
  };
  // A filter naming a label or category the list no longer offers must still show as chosen.
  const labelNames = props.labels.map((l) => l.name);
  if (filters.label && !labelNames.includes(filters.label)) labelNames.push(filters.label);
  const categories = [...props.categories];
  if (filters.category && !categories.includes(filters.category)) categories.push(filters.category);
  const active = Object.keys(filters).length > 0;

  return (
    <div className="fact-filters" role="group" aria-label="Filters">
      <span>
        <label htmlFor={`${id}-label`}>Label</label>
        <select
          id={`${id}-label`}
          value={filters.label ?? ''}
          onChange={(e) => void setFilters({ label: e.target.value })}
        >
          <option value="">All labels</option>
          {labelNames.map((name) => {
            const count = props.labels.find((l) => l.name === name)?.fact_count;
            return (
              <option key={name} value={name}>
                {count === undefined ? name : `${name} (${count})`}
              </option>
            );
          })}
        </select>
      </span>
      <span>
        <label htmlFor={`${id}-category`}>Category</label>
        <select
          id={`${id}-category`}
          value={filters.category ?? ''}
          onChange={(e) => void setFilters({ category: e.target.value })}
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </span>
      <span>
        <label htmlFor={`${id}-confidence`}>Confidence</label>
        <select
          id={`${id}-confidence`}
          value={String(filters.minConfidence ?? 0)}
          onChange={(e) => void setFilters({ minConfidence: Number(e.target.value) })}
        >
          <option value="0">Any</option>
          {CONFIDENCE_STEPS.map((c) => (
            <option key={c} value={String(c)}>
              {c === 1 ? '100%' : `${Math.round(c * 100)}% or more`}
            </option>
          ))}
        </select>
      </span>
      <span>
        <label htmlFor={`${id}-space`}>Space</label>
        <input
          id={`${id}-space`}
          value={space}
          placeholder={props.defaultSpace ?? 'default'}
          spellCheck={false}
          onChange={(e) => setSpace(e.target.value)}
          onBlur={applySpace}
          onKeyDown={(e) => {
            if (e.key === 'Enter') applySpace();
          }}
        />
      </span>
      {active && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setSpace('');
            void setFilters({ label: '', category: '', minConfidence: 0, space: '' });
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
