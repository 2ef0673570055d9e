/**
 * Request and response types of the end user's core calls. Field names follow Authing's v3 API.
 */
import type { Paginated } from '../envelope.js';
import type {
  AuthorizedResource,
  Department,
  Group,
  IsSuccess,
  ProfileFields,
  Role,
  User,
} from '../management/management-api-types.js';

/** Tokens answered by the sign-in API (`expire_in`, as Authing spells it there; the token endpoint answers `OidcTokenSet`). */
export interface LoginTokenSet {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expire_in: number;
  scope?: string;
}

export type SignInConnection = 'PASSWORD' | 'PASSCODE' | 'LDAP' | 'AD';

export interface PasswordPayload {
  email?: string;
  phone?: string;
  username?: string;
  account?: string;
  password: string;
}

export interface PassCodePayload {
  email?: string;
  phone?: string;
  passCode: string;
  phoneCountryCode?: string;
}

export interface SignInOptions {
  scope?: string;
  context?: Record<string, unknown>;
  tenantId?: string;
  customData?: Record<string, unknown>;
  autoRegister?: boolean;
  captchaCode?: string;
  passwordEncryptType?: 'sm2' | 'rsa' | 'none';
}

export interface SignInRequest {
  connection: SignInConnection;
  passwordPayload?: PasswordPayload;
  passCodePayload?: PassCodePayload;
  ldapPayload?: { sAMAccountName: string; password: string };
  adPayload?: { sAMAccountName: string; password: string };
  options?: SignInOptions;
  client_id?: string;
  client_secret?: string;
}

export interface SignUpRequest {
  connection: 'PASSWORD' | 'PASSCODE';
  passwordPayload?: { email?: string; username?: string; password: string };
  passCodePayload?: PassCodePayload;
  profile?: Partial<User>;
  options?: {
    clientIp?: string;
    phonePassCodeForInformationCompletion?: string;
    emailPassCodeForInformationCompletion?: string;
    context?: Record<string, unknown>;
    passwordEncryptType?: 'sm2' | 'rsa' | 'none';
  };
}

/** The profile fields an end user may change on themselves. */
export type UpdateProfileRequest = ProfileFields;

export type Channel =
  | 'CHANNEL_LOGIN'
  | 'CHANNEL_REGISTER'
  | 'CHANNEL_RESET_PASSWORD'
  | 'CHANNEL_BIND_PHONE'
  | 'CHANNEL_UNBIND_PHONE'
  | 'CHANNEL_BIND_MFA'
  | 'CHANNEL_VERIFY_MFA'
  | 'CHANNEL_UNBIND_MFA'
  | 'CHANNEL_COMPLETE_PHONE'
  | 'CHANNEL_IDENTITY_VERIFICATION'
  | 'CHANNEL_DELETE_ACCOUNT'
  | 'CHANNEL_BIND_EMAIL'
  | 'CHANNEL_UNBIND_EMAIL'
  | 'CHANNEL_COMPLETE_EMAIL'
  | 'CHANNEL_VERIFY_EMAIL_LINK'
  | 'CHANNEL_CHANGE_EMAIL'
  | 'CHANNEL_CHANGE_PHONE';

/** Request and `data` types of the end user's core calls, by method name. */
export interface AuthenticationCoreCalls {
  signInByCredentials: { request: SignInRequest; data: LoginTokenSet };
  signUp: { request: SignUpRequest; data: User };
  getProfile: {
    request: { withCustomData?: boolean; withIdentities?: boolean; withDepartmentIds?: boolean };
    data: User;
  };
  updateProfile: { request: UpdateProfileRequest; data: User };
  getRoleList: { request: { namespace?: string }; data: Paginated<Role> | Role[] };
  getGroupList: { request: void; data: Paginated<Group> | Group[] };
  getDepartmentList: { request: Record<string, unknown>; data: Paginated<Department> };
  getAuthorizedResources: {
    request: { namespace?: string; resourceType?: string };
    data: Paginated<AuthorizedResource>;
  };
  updatePassword: {
    request: { newPassword: string; oldPassword?: string; passwordEncryptType?: 'sm2' | 'rsa' | 'none' };
    data: IsSuccess;
  };
  sendSms: { request: { channel: Channel; phoneNumber: string; phoneCountryCode?: string }; data: unknown };
  sendEmail: { request: { channel: Channel; email: string }; data: unknown };
}
