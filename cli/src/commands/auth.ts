import type { Actor } from '@fivestar/contracts';
import { Api } from '../client';
import type { Register } from '../context';
import { clearSession, credentialsPath, loadSession } from '../credentials';
import { CliError, Exit } from '../exit';
import { ask, readAll } from '../prompt';

const who = (u: Actor) => `${u.name}（${u.userId}，${u.role}，辖区 ${u.jurisdiction}）`;

export const registerAuth: Register = (program, act) => {
  program
    .command('login')
    .description('用户名和密码登录，保存会话（~/.config/fivestar/credentials.json，仅本人可读）')
    .option('-u, --username <name>', '用户名（不给则提示输入）')
    .option('--password-stdin', '从标准输入读取密码（供脚本使用）')
    .action(
      act(async ({ io, out, server }, opts) => {
        const username: string = opts.username ?? (io.stdin.isTTY ? (await ask(io, '用户名：')).trim() : '');
        if (!username) throw new CliError(Exit.badInput, '请用 --username 给出用户名');
        let password: string;
        if (opts.passwordStdin) password = await readAll(io.stdin);
        else if (io.stdin.isTTY) password = await ask(io, '密码：', true);
        else throw new CliError(Exit.badInput, '无法提示输入密码：请用 --password-stdin 从标准输入给出密码');
        if (!password) throw new CliError(Exit.badInput, '密码为空');
        const session = await Api.anonymous(server, io.env).login(username, password);
        out.result(`已登录 ${server}：${who(session.user)}`, { server, user: session.user });
      }),
    );

  program
    .command('logout')
    .description('退出登录：吊销本机保存的会话并删除凭据文件')
    .action(
      act(async ({ io, out, server }) => {
        const saved = await loadSession(io.env);
        if (saved) {
          // The server may already have ended the session (expired, revoked): forget it anyway.
          const api = await Api.connect(saved.server, { ...io.env, FIVESTAR_TOKEN: undefined });
          await api.send('POST', '/api/auth/logout').catch(() => undefined);
          await clearSession(io.env);
        }
        out.result(saved ? `已退出 ${saved.server}` : '本机没有保存的登录', {
          server: saved?.server ?? server,
          loggedOut: Boolean(saved),
        });
      }),
    );

  program
    .command('whoami')
    .description('显示当前身份（API 令牌或保存的登录）')
    .action(
      act(async ({ io, out, server, api }) => {
        const client = await api();
        const me = await client.json<Actor>('GET', '/api/me');
        const via =
          client.credential === 'token'
            ? 'API 令牌（FIVESTAR_TOKEN）'
            : `登录会话（凭据 ${credentialsPath(io.env)}）`;
        out.result([`${who(me)}`, `服务器：${server}`, `凭据：${via}`], {
          server,
          credential: client.credential,
          user: me,
        });
      }),
    );
};
