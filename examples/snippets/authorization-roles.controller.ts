import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthingGuard, Permissions, Roles } from 'nestjs-authing';

@Controller('docs')
@UseGuards(AuthingGuard)
@Roles('editor', 'admin') // every route below: editor OR admin
export class DocsController {
  @Get('drafts')
  drafts() {} // the controller's requirement only

  @Get('review') // the controller's AND both of these
  @Roles({ roles: ['reviewer', 'legal'], match: 'all' })
  review() {}

  @Get('campaigns') // the role `marketer` of the namespace `crm`
  @Roles({ roles: ['marketer'], namespace: 'crm' })
  campaigns() {}

  @Get('catalogue') // replaces the controller's requirement: viewer suffices
  @Roles({ roles: ['viewer'], inherit: false })
  catalogue() {}

  @Get('export') // `@Permissions` matches `all` unless told `any`
  @Permissions({ permissions: ['doc:export', 'doc:admin'], match: 'any' })
  export() {}
}
