import path from 'node:path';
import { Db } from '../../worker/db.ts';

export const FREE_TEXT_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'free-text');

/** The files the classifier is trained on, in this order (see fixtures/free-text/README.md). */
export const TRAINING_FILES = ['replies.csv', 'training.csv', 'training-extra.csv'] as const;

export interface LabelledReply {
  text: string;
  label: boolean;
}

/** The labelled replies of one file of test/fixtures/free-text, in file order. */
export async function labelledReplies(file: string): Promise<LabelledReply[]> {
  const db = await Db.open(null);
  try {
    const rows = await db.query<{ text: string; label: string }>(
      `select text, is_opt_out_request as label from read_csv($file, header = true, all_varchar = true)`,
      { file: path.join(FREE_TEXT_DIR, file) },
    );
    return rows.map((r, i) => {
      if (r.label !== '0' && r.label !== '1') throw new Error(`${file}:${i + 2}: is_opt_out_request must be 0 or 1, got ${JSON.stringify(r.label)}`);
      return { text: r.text, label: r.label === '1' };
    });
  } finally {
    db.close();
  }
}
