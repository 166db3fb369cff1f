/**
 * A deterministic province for the benchmarks (Henan at full size by default): the 17 cities and 济源
 * (4190) with their ~157 counties, ~2,400 townships and street offices, ~22 branches each, a few
 * city-run units (市直, organ branches), and users at every level. Codes nest as docs/hierarchy.md has
 * them; the city codes are Henan's, the county, township and branch codes below them are made up.
 */
import type { Branch, City, County, Province, Role, Township } from '@fivestar/contracts';
import { COMMUNITY_NAMES, VILLAGE_NAMES, type DemoCounty } from '@fivestar/api';

export const PROVINCE = '41';

/** Henan's cities and 济源 with their counties and districts (how many: close to the real ones). */
const CITIES: [code: string, name: string, counties: number][] = [
  ['4101', '郑州市', 12],
  ['4102', '开封市', 9],
  ['4103', '洛阳市', 14],
  ['4104', '平顶山市', 10],
  ['4105', '安阳市', 9],
  ['4106', '鹤壁市', 5],
  ['4107', '新乡市', 12],
  ['4108', '焦作市', 10],
  ['4109', '濮阳市', 6],
  ['4110', '许昌市', 6],
  ['4111', '漯河市', 5],
  ['4112', '三门峡市', 6],
  ['4113', '南阳市', 13],
  ['4114', '商丘市', 9],
  ['4115', '信阳市', 10],
  ['4116', '周口市', 10],
  ['4117', '驻马店市', 10],
  ['4190', '济源市', 1],
];
/** Cities with their own units (市直机关工委) of organ branches. */
const UNIT_CITIES = ['4101', '4103', '4110'];
const PER_TOWNSHIP = 22;
/** One township in eight is a street office of urban communities; the rest are rural. */
const STREET_EVERY = 8;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

interface FileUser {
  username: string;
  name: string;
  role: Role;
  jurisdiction: string;
}

export interface ProvinceFile {
  province: Province;
  cities: City[];
  counties: County[];
  townships: Township[];
  branches: Branch[];
  users: FileUser[];
}

/** The province's directory file of about `branches` branches (exactly that many). */
export function benchProvince(branches = 52_000): ProvinceFile {
  const cities = CITIES.map(([code, name]) => ({ code, name }));
  const counties: County[] = CITIES.flatMap(([city, name, n]) =>
    city === '4190'
      ? [{ code: '419001', name }]
      : Array.from({ length: n }, (_, i) => ({
          code: `${city}${pad(i + 2, 2)}`,
          name: `${name.slice(0, -1)}${i === 0 ? '城区' : `第${i}县`}`,
        })),
  );
  const units: Township[] = UNIT_CITIES.map((city) => ({
    code: `${city}00001`,
    name: `${cities.find((c) => c.code === city)!.name}直属机关工委`,
    countyCode: `${city}00`,
    kind: 'unit',
  }));
  const unitBranches = units.length * PER_TOWNSHIP;
  const townshipCount = Math.max(counties.length, Math.round((branches - unitBranches) / PER_TOWNSHIP));
  // Townships dealt out to the counties in turn, numbered within each: streets 001…, towns 100….
  const perCounty = new Map<string, number>();
  const townships: Township[] = Array.from({ length: townshipCount }, (_, i) => {
    const county = counties[i % counties.length]!;
    const n = perCounty.get(county.code) ?? 0;
    perCounty.set(county.code, n + 1);
    const street = n % STREET_EVERY === 0;
    return street
      ? {
          code: `${county.code}${pad(1 + n / STREET_EVERY, 3)}`,
          name: `${county.name}第${n + 1}街道`,
          countyCode: county.code,
        }
      : { code: `${county.code}${100 + n}`, name: `${county.name}第${n + 1}镇`, countyCode: county.code };
  });
  const places = [...townships, ...units];
  // Branches dealt out to the places in turn (units first get their share), numbered within each.
  const count = new Map<string, number>();
  const list: Branch[] = [];
  for (let i = 0; i < branches; i++) {
    const t = i < unitBranches ? units[i % units.length]! : townships[(i - unitBranches) % townships.length]!;
    const n = count.get(t.code) ?? 0;
    count.set(t.code, n + 1);
    const kind = t.kind === 'unit' ? 'organ' : Number(t.code.slice(6)) < 100 ? 'urban' : 'rural';
    const name =
      kind === 'organ'
        ? `市直第${n + 1}机关党支部`
        : kind === 'urban'
          ? `${COMMUNITY_NAMES[n % COMMUNITY_NAMES.length]}${n + 1}社区`
          : `${VILLAGE_NAMES[n % VILLAGE_NAMES.length]}${n + 1}村`;
    list.push({
      code: `${t.code}${pad(kind === 'rural' ? 201 + n : 1 + n, 3)}`,
      name,
      type: kind,
      townshipCode: t.code,
      countyCode: t.countyCode,
      weak: kind === 'rural' && n === 7,
    });
  }
  const user = (username: string, name: string, role: Role, jurisdiction: string): FileUser => ({
    username,
    name,
    role,
    jurisdiction,
  });
  /** The 专班, administrator, read-only leader and an observer of an area. */
  const areaUsers = (code: string, name: string) => [
    user(`coord-${code}`, `${name}五星支部创建专班`, 'coordinator', code),
    user(`admin-${code}`, `${name}系统管理员`, 'admin', code),
    user(`leader-${code}`, `${name}分管领导`, 'leader', code),
    user(`obs-${code}-1`, `${name}观摩员1`, 'observer', code),
  ];
  const users = [
    ...list.map((b) => user(`sec-${b.code}`, `${b.name}党支部书记`, 'village_secretary', b.code)),
    ...places.flatMap((t) =>
      [1, 2].map((n) => user(`twp-${t.code}-${n}`, `${t.name}审核人${n}`, 'township_reviewer', t.code)),
    ),
    ...counties.flatMap((c) => [
      ...areaUsers(c.code, c.name),
      ...[1, 2].map((n) => user(`cty-${c.code}-${n}`, `${c.name}审核人${n}`, 'county_reviewer', c.code)),
    ]),
    ...units.map((u) => user(`coord-${u.countyCode}`, `${u.name}创建专班`, 'coordinator', u.countyCode)),
    ...cities.flatMap((c) => [
      ...areaUsers(c.code, c.name),
      user(`city-${c.code}-1`, `${c.name}复核人1`, 'city_reviewer', c.code),
    ]),
    ...areaUsers(PROVINCE, '河南省'),
    user(`prov-${PROVINCE}-1`, '河南省抽查人1', 'province_reviewer', PROVINCE),
  ];
  return {
    province: { code: PROVINCE, name: '河南省' },
    cities,
    counties,
    townships: places,
    branches: list,
    users,
  };
}

/**
 * What a stack starts with before the province's file comes in: the province with its administrator
 * and 专班 (the stack's loader wants a county: the file's first, empty, as the file names it).
 */
export function provinceSeed(file: ProvinceFile): DemoCounty {
  const county = file.counties[0]!;
  const users = file.users
    .filter((u) => u.jurisdiction === PROVINCE && (u.role === 'admin' || u.role === 'coordinator'))
    .map((u) => ({ ...u, id: `u-${u.username}`, active: true }));
  const city = file.cities.find((c) => county.code.startsWith(c.code))!;
  return { province: file.province, city, county, townships: [], branches: [], users };
}

/** The part of the file inside `cities` (codes), with the province's own users: a fraction to measure. */
export function citiesOf(file: ProvinceFile, cities: string[]): ProvinceFile {
  const inside = (code: string) => cities.some((c) => code.startsWith(c));
  return {
    province: file.province,
    cities: file.cities.filter((c) => inside(c.code)),
    counties: file.counties.filter((c) => inside(c.code)),
    townships: file.townships.filter((t) => inside(t.code)),
    branches: file.branches.filter((b) => inside(b.code)),
    users: file.users.filter((u) => u.jurisdiction === PROVINCE || inside(u.jurisdiction)),
  };
}
