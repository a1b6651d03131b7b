// npm run train:freetext: fits the free-text request classifier on the training replies and
// writes worker/analysis/freetext-model.json (test/analysis/freetext.test.ts fails when it is stale).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { trainFreeTextModel } from '../worker/analysis/freetext.ts';
import { labelledReplies, TRAINING_FILES, type LabelledReply } from './helpers/free-text.ts';

export async function trainFromFixtures(): Promise<ReturnType<typeof trainFreeTextModel>> {
  const rows: LabelledReply[] = [];
  const trainedOn = [];
  for (const file of TRAINING_FILES) {
    const replies = await labelledReplies(file);
    rows.push(...replies);
    trainedOn.push({ file, rows: replies.length, requests: replies.filter((r) => r.label).length });
  }
  return trainFreeTextModel(rows, trainedOn);
}

export const MODEL_FILE = fileURLToPath(new URL('../worker/analysis/freetext-model.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const model = await trainFromFixtures();
  await writeFile(MODEL_FILE, `${JSON.stringify(model, null, 1)}\n`);
  console.log(`${MODEL_FILE}: ${Object.keys(model.weights).length} weights from ${model.trained_on.map((t) => `${t.rows} ${t.file}`).join(', ')}`);
}
