/**
 * The detection claim of seed 002 on the labeled traffic generator (src/sources/synthetic): a
 * profile trained on one generated bot ranks every other bot above every normal host, whichever
 * CTU-13 format the flows are written in, and the labels of the flows give the same verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedHosts, generateTable, type GeneratedFormat } from '../../../src/sources/synthetic/index.js';
import { trainProfile } from '../../../src/engine/profile/index.js';
import { scoreHosts } from '../../../src/engine/scoring/index.js';
import { evaluateScores, labelsFromTable } from '../../../src/engine/evaluation/index.js';

for (const format of ['binetflow', 'netflow-labeled'] as GeneratedFormat[]) {
  test(`${format}: a profile of one generated bot ranks every other bot above every normal host`, () => {
    const opts = { format, flows: 30000, seed: 2, bots: 4, normalHosts: 8 };
    const table = generateTable(opts);
    const hosts = generatedHosts(opts);
    const profile = trainProfile(table, { hosts: [hosts.bots[0]!] });
    const scores = scoreHosts(table, profile, { hosts: [...hosts.bots.slice(1), ...hosts.normal] });
    const score = (h: string): number => scores.find((s) => s.host === h)!.score!;
    const worstBot = Math.min(...hosts.bots.slice(1).map(score));
    const bestNormal = Math.max(...hosts.normal.map(score));
    assert.ok(worstBot > bestNormal, `worst other bot ${worstBot} <= best normal host ${bestNormal}`);

    const truth = labelsFromTable(table);
    for (const b of hosts.bots) assert.equal(truth.get(b), 'infected');
    for (const n of hosts.normal) assert.equal(truth.get(n), 'normal');
    const others = new Map([...truth].filter(([h]) => h !== hosts.bots[0]));
    assert.equal(evaluateScores(scoreHosts(table, profile, { hosts: [...others.keys()] }), others).auc, 1);
  });
}
