import { groupedBarChart, lineChart, niceTicks } from './svg';

describe(niceTicks.name, () => {
  it('steps in round numbers and reaches the maximum', () => {
    expect(niceTicks(0, 251.2)).toEqual([0, 100, 200, 300]);
    expect(niceTicks(0, 0.8)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe(lineChart.name, () => {
  it('draws one line per series, with escaped names', () => {
    const sut = lineChart({ title: 'km <per> day', xLabel: 'day', yLabel: 'km', labels: ['a', 'b', 'c'], series: [{ name: 'A & B', values: [1, 2, 3], color: '#000' }] });
    expect(sut).toContain('<polyline');
    expect(sut).toContain('km &lt;per&gt; day');
    expect(sut).toContain('A &amp; B');
  });
});

describe(groupedBarChart.name, () => {
  it('draws a bar for every series in every group', () => {
    const sut = groupedBarChart({ title: 't', xLabel: 'x', yLabel: 'y', categories: ['one', 'two'], series: [{ name: 's1', values: [1, 2], color: '#111' }, { name: 's2', values: [3, 4], color: '#222' }] });
    expect(sut.match(/<rect [^>]*><title>/g)).toHaveLength(4);
  });
});
