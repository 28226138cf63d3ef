// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FactEditor } from '../../../../src/renderer/src/screens/FactEditor';
import { createFactsStore } from '../../../../src/renderer/src/store/facts-store';
import { openRealClient } from './real-client';

describe("the fact editor's history over the real app service", () => {
  let real: ReturnType<typeof openRealClient>;
  beforeAll(() => {
    real = openRealClient();
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  it('lists the fact it superseded and when it stopped being current', async () => {
    const lisbon = await real.memory.encode({ content: 'Anna lives in Lisbon' });
    const porto = await real.memory.encode({ content: 'Anna lives in Porto', supersedes: lisbon.id });
    const store = createFactsStore(real.client);
    const fact = real.memory.get(porto.id);
    render(
      <FactEditor
        fact={fact}
        labels={[]}
        categories={[]}
        save={async () => null}
        history={() => store.getState().history(fact.id)}
        onClose={() => undefined}
      />,
    );
    const history = screen.getByRole('region', { name: 'Earlier wordings' });
    const items = await within(history).findAllByRole('listitem');
    const until = new Date(real.memory.history(porto.id)[0]!.current_until!).toLocaleDateString();
    expect(items.map((li) => li.textContent)).toEqual([
      `Anna lives in Lisbon ${new Date(real.memory.history(porto.id)[0]!.current_from).toLocaleDateString()} · replaced ${until}`,
    ]);
  });
});
