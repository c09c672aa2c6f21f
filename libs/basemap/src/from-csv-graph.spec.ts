import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { joinLines, streetsFromCsvGraph } from './from-csv-graph';

describe(joinLines.name, () => {
  it('joins pieces of one named street that meet end to end, in either direction, and keeps other streets apart', () => {
    const sut = joinLines([
      { kind: 'unclassified', name: 'Marnixstraat', coords: [0, 0, 1, 0] },
      { kind: 'unclassified', name: 'Marnixstraat', coords: [2, 0, 1, 0] },
      { kind: 'unclassified', name: 'Marnixstraat', coords: [-1, 0, 0, 0] },
      { kind: 'tertiary', name: 'Marnixstraat', coords: [2, 0, 3, 0] },
      { kind: 'unclassified', name: null, coords: [5, 5, 6, 6] },
      { kind: 'unclassified', name: null, coords: [6, 6, 7, 7] },
    ]);
    const marnix = sut.filter((s) => s.name === 'Marnixstraat' && s.kind === 'unclassified');
    expect(marnix).toHaveLength(1);
    expect(marnix[0]!.coords).toEqual([-1, 0, 0, 0, 1, 0, 2, 0]);
    expect(sut.filter((s) => s.kind === 'tertiary')).toHaveLength(1);
    // Unnamed pieces are not joined: nothing is labelled along them.
    expect(sut.filter((s) => s.name === null)).toHaveLength(2);
  });
});

describe(streetsFromCsvGraph.name, () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(path.join(tmpdir(), 'basemap-csv-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the streets of a drive_edges.csv with their names and classes', () => {
    writeFileSync(
      path.join(folder, 'drive_edges.csv'),
      'u,v,highway,name,geometry_wkt\n1,2,unclassified,Rozengracht,"LINESTRING(4.88 52.37,4.881 52.371)"\n2,3,unclassified,Rozengracht,"LINESTRING(4.881 52.371,4.882 52.372)"\n3,4,primary,,"LINESTRING(4.882 52.372,4.883 52.373)"\n',
    );
    const sut = streetsFromCsvGraph(folder);
    expect(sut.map((s) => [s.kind, s.name, s.parts[0]!.length])).toEqual(expect.arrayContaining([['unclassified', 'Rozengracht', 6], ['primary', null, 4]]));
    expect(sut).toHaveLength(2);
  });

  it('refuses a graph without geometry, naming the column', () => {
    writeFileSync(path.join(folder, 'edges.csv'), 'u,v,highway\n1,2,primary\n');
    expect(() => streetsFromCsvGraph(folder)).toThrow(/no geometry_wkt column/);
  });
});
