import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AuthingGuard, ResourceAccess } from 'nestjs-authing';

@Controller('orders')
@UseGuards(AuthingGuard)
export class OrdersController {
  @Get(':id') // may the user `read` the resource `order:<id>`?
  @ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })
  get(@Param('id') id: string) {
    return { id };
  }

  @Get() // GET /orders?orderId=42
  @ResourceAccess({ resource: 'order', action: 'read', id: { query: 'orderId' } })
  find(@Query('orderId') id: string) {
    return { id };
  }

  @Post('refunds') // { "orderId": "42" }; a data resource of the `billing` namespace
  @ResourceAccess({
    resource: 'order',
    action: 'refund',
    id: { body: 'orderId' },
    namespace: 'billing',
    api: 'checkPermission',
  })
  refund(@Body('orderId') id: string) {
    return { refunded: id };
  }
}
