import { ManagementClient } from 'nestjs-authing/sdk';

// One instance per process: it pools connections and signs every request (HMAC-SHA1).
const management = new ManagementClient({
  accessKeyId: process.env.AUTHING_ACCESS_KEY_ID!, // the user pool id, or a collaborator's access key
  accessKeySecret: process.env.AUTHING_ACCESS_KEY_SECRET!,
});

export async function manageUsers(): Promise<void> {
  const users = await management.listUsers({ options: { pagination: { page: 1, limit: 10 } } });
  if (users.statusCode === 200) console.log(users.data.totalCount, users.data.list);
  else console.error(users.apiCode, users.message); // business errors resolve: they do not throw

  await management.createRole({ code: 'admin', description: 'Administrators' });

  // Every page of a list, one page in memory at a time:
  for await (const user of management.paginate('listUsers', {}, { pageSize: 50 })) {
    console.log(user.userId);
  }
}
