import type { Branch, City, County, Province, Township } from '@fivestar/contracts';
import type { DirectoryUser } from './store';

export const DEMO_PASSWORD = 'demo-password-2026';

export interface DemoCounty {
  province: Province;
  city: City;
  county: County;
  townships: Township[];
  branches: Branch[];
  users: DirectoryUser[];
}

/** Village and community names the demo and the benchmarks' province draw from (fictitious places). */
export const VILLAGE_NAMES = [
  '李庄',
  '王营',
  '张湾',
  '刘寨',
  '陈楼',
  '杨岗',
  '赵河',
  '黄庄',
  '周店',
  '吴桥',
  '徐集',
  '孙洼',
  '马坡',
  '朱屯',
  '胡岭',
  '郭营',
  '何庄',
  '高寨',
  '林湾',
  '罗店',
];
export const COMMUNITY_NAMES = [
  '新华',
  '人民',
  '解放',
  '建设',
  '朝阳',
  '和平',
  '文化',
  '光明',
  '幸福',
  '团结',
];

/** Names of the demo's cities (the county codes under them are fictitious). */
const CITY_NAMES: Record<string, string> = { '4101': '郑州市', '4110': '许昌市' };

/**
 * The demo county, generated deterministically: one street office of urban communities and two
 * rural townships, 10 branches each, with users for every role — the county's, and its city's and
 * province's (专班, reviewers, observers, administrators, read-only leaders). Codes follow the
 * division-code shape (docs/hierarchy.md); the county code is fictitious.
 */
export function demoCounty(countyCode = '411099', perTownship = 10, countyName = '示范县'): DemoCounty {
  const county = { code: countyCode, name: countyName };
  const cityCode = countyCode.slice(0, 4);
  const province = { code: countyCode.slice(0, 2), name: '河南省' };
  const city = { code: cityCode, name: CITY_NAMES[cityCode] ?? `${cityCode}市` };
  const townships: Township[] = [
    { code: `${countyCode}001`, name: '新华街道', countyCode },
    { code: `${countyCode}100`, name: '城关镇', countyCode },
    { code: `${countyCode}200`, name: '黄河乡', countyCode },
  ];
  const branches: Branch[] = townships.flatMap((t, ti) =>
    Array.from({ length: perTownship }, (_, i): Branch => {
      const urban = t.code.endsWith('001');
      const seq = urban ? 1 + i : 201 + i;
      const base = urban
        ? COMMUNITY_NAMES[i % COMMUNITY_NAMES.length]!
        : VILLAGE_NAMES[(ti * perTownship + i) % VILLAGE_NAMES.length]!;
      return {
        code: `${t.code}${String(seq).padStart(3, '0')}`,
        name: urban ? `${base}社区` : `${base}村`,
        type: urban ? 'urban' : 'rural',
        townshipCode: t.code,
        countyCode,
        // One weak and lax village (软弱涣散村), so the 整顿-before-stars rule can be seen.
        weak: !urban && ti === townships.length - 1 && i === perTownship - 1,
      };
    }),
  );
  const user = (
    username: string,
    name: string,
    role: DirectoryUser['role'],
    jurisdiction: string,
  ): DirectoryUser => ({
    id: `u-${username}`,
    username,
    name,
    role,
    jurisdiction,
    active: true,
  });
  const users: DirectoryUser[] = [
    ...branches.map((b) => user(`sec-${b.code}`, `${b.name}党支部书记`, 'village_secretary', b.code)),
    ...townships.flatMap((t) =>
      [1, 2].map((n) => user(`twp-${t.code}-${n}`, `${t.name}审核人${n}`, 'township_reviewer', t.code)),
    ),
    ...[1, 2].map((n) =>
      user(`cty-${countyCode}-${n}`, `${county.name}审核人${n}`, 'county_reviewer', countyCode),
    ),
    ...[1, 2, 3].map((n) =>
      user(`obs-${countyCode}-${n}`, `${county.name}观摩员${n}`, 'observer', countyCode),
    ),
    user(`coord-${countyCode}`, `${county.name}五星支部创建专班`, 'coordinator', countyCode),
    user(`admin-${countyCode}`, `${county.name}系统管理员`, 'admin', countyCode),
    user(`leader-${countyCode}`, `${county.name}分管领导`, 'leader', countyCode),
    ...[city, province].flatMap((area) => [
      user(`coord-${area.code}`, `${area.name}五星支部创建专班`, 'coordinator', area.code),
      user(`admin-${area.code}`, `${area.name}系统管理员`, 'admin', area.code),
      user(`leader-${area.code}`, `${area.name}分管领导`, 'leader', area.code),
      user(`obs-${area.code}-1`, `${area.name}观摩员1`, 'observer', area.code),
    ]),
    user(`city-${cityCode}-1`, `${city.name}复核人1`, 'city_reviewer', cityCode),
    user(`prov-${province.code}-1`, `${province.name}抽查人1`, 'province_reviewer', province.code),
  ];
  return { province, city, county, townships, branches, users };
}
