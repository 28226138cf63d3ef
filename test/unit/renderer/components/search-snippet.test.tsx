// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SearchScreen } from '../../../../src/renderer/src/screens/SearchScreen';
import { createMemoryStore } from '../../../../src/renderer/src/store/memory-store';
import { openRealClient } from './real-client';

const GARDEN = Array.from(
  { length: 4 },
  (_, i) =>
    `Garden note ${i}: the raised beds get morning sun, the clay soil holds water after storms, and the compost from the yard goes on in spring before the seedlings are planted out in rows.`,
).join(' ');
const PASSPORT = 'Passport renewal: the embassy appointment is on the ninth at ten, bring two photos.';
const NOTE = `${GARDEN}\n\n${PASSPORT}`;

describe('SearchScreen: a long note shows its best passage (real app service)', () => {
  let real: ReturnType<typeof openRealClient>;

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.encode({ content: NOTE });
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  it('shows the passage that answers the query, and the whole note when opened', async () => {
    const store = createMemoryStore(real.client, { delayMs: 20 });
    await store.getState().connect();
    render(<SearchScreen store={store} />);
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search your memory' });
    await userEvent.setup().type(box, 'passport embassy');
    const list = () => within(screen.getByRole('list', { name: 'Results' })).queryAllByRole('listitem');
    await waitFor(() => expect(list().length).toBe(1));
    const item = list()[0]!;
    expect(item.querySelector('summary')!.textContent).toBe(`…${PASSPORT}`);
    expect(item.querySelector('.result-whole')!.textContent).toBe(NOTE);
  });
});
