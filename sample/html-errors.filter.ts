import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { wantsHtml } from './controllers/admin.controller.js';
import { errorPage } from './views.js';

/**
 * Errors as pages for browsers: 401 (with a login link), 403, 404, 5xx. API clients (no
 * `Accept: text/html`) and non-error answers (the login-failure redirect is a 302 exception) keep
 * Nest's JSON. The status and headers set before the error (WWW-Authenticate, Retry-After) stay.
 */
@Catch()
export class HtmlErrorsFilter extends BaseExceptionFilter {
  readonly #logger = new Logger('Sample');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    if (status < 400 || res.headersSent || !wantsHtml(req)) return super.catch(exception, host);
    if (!(exception instanceof HttpException)) {
      this.#logger.error(exception instanceof Error ? `${exception.name}: ${exception.message}` : 'unexpected error');
    }
    res
      .status(status)
      .type('html')
      .send(errorPage(status, messageOf(exception, status), req.path));
  }
}

function messageOf(exception: unknown, status: number): string {
  if (status === 404) return 'The link may be out of date, or the address mistyped.';
  if (!(exception instanceof HttpException) || (status >= 500 && status !== 503)) {
    return 'Something went wrong on our side; please try again.';
  }
  if (status === 401) return 'This page needs you to be logged in.';
  const body = exception.getResponse();
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}
