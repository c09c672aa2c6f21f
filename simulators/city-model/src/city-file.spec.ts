import { generateCity } from './generated-city';
import { readCityFile, writeCityFile } from './city-file';

describe(writeCityFile.name, () => {
  it('writes a city that reads back to the same model', () => {
    const city = generateCity({ containers: 40, seed: 5, districts: 2, fractions: ['residual', 'glass'] });
    const sut = readCityFile(writeCityFile(city), 'test');
    expect(sut).toEqual(city);
  });

  it('names the file and row that cannot be read', () => {
    const [head, rows] = writeCityFile(generateCity({ containers: 3, seed: 1, fractions: ['residual'] })).split('"containers"');
    const text = `${head}"containers"${rows!.replace('"residual"', '"rubble"')}`;
    expect(() => readCityFile(text, 'city.json')).toThrow(/city.json: container row 1 is not valid/);
    expect(() => readCityFile('{"format":"other"}', 'city.json')).toThrow(/not a vulgraad-city\/1 file/);
  });
});
