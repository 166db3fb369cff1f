import { DirectoryImportRequest } from '@fivestar/contracts';
import { importFieldLabel } from './import-fields';

const request = DirectoryImportRequest.parse({
  province: { code: '41', name: '河南省' },
  counties: [{ code: '420102', name: '江岸区' }],
  townships: [
    { code: '410199001', name: '错位街道', countyCode: '410102' },
    { code: '411000001', name: '市直工委', countyCode: '411000', kind: 'unit' },
  ],
  users: [{}],
});

describe('a refused directory field', () => {
  it('is named by its table, the place’s code and the column', () => {
    expect(importFieldLabel('counties.0.code', request)).toBe('县表 420102（县代码）');
    expect(importFieldLabel('province.code', request)).toBe('省表 41（省代码）');
    expect(importFieldLabel('townships.1.name', request)).toBe('单位表 411000001（单位名称）');
  });

  it('names a derived column by the code it comes from, and nothing for a field of no place', () => {
    expect(importFieldLabel('townships.0.countyCode', request)).toBe('乡镇表 410199001（乡镇代码）');
    expect(importFieldLabel('users', request)).toBeNull();
    expect(importFieldLabel('cities.3.code', request)).toBeNull();
  });
});
