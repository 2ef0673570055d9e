import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { AuthingAuthorization, type AuthingUser } from 'nestjs-authing';

@Injectable()
export class InvoiceService {
  constructor(@Inject(AuthingAuthorization) private readonly authorization: AuthingAuthorization) {}

  async download(user: AuthingUser, invoiceId: string): Promise<string> {
    // Same cache and batching as @ResourceAccess(); rejects when Authing is unreachable.
    const allowed = await this.authorization.isAllowed(user, 'download', `invoice:${invoiceId}`, {
      namespace: 'billing',
    });
    if (!allowed) throw new ForbiddenException(`Not allowed to download invoice ${invoiceId}`);
    return `/files/invoices/${invoiceId}.pdf`;
  }

  /** After changing a user's authorizations in Authing: forget the cached answers at once. */
  changed(userId: string): void {
    this.authorization.invalidate(userId);
  }
}
