// Wire formats of credentials: VTEX ID's app-token login and Ordo's shopper tokens.
import { Type, type Static } from 'typebox'

export const UserTokenSchema = Type.Object({
  token: Type.String(),
  expires: Type.Integer({ description: 'Expiry as Unix time in seconds (24 hours after issue).' }),
})
export type UserToken = Static<typeof UserTokenSchema>

export const LoginBodySchema = Type.Object({
  appkey: Type.String({ minLength: 1, maxLength: 200 }),
  apptoken: Type.String({ minLength: 1, maxLength: 500 }),
})

export const LoginResponseSchema = Type.Object({
  authStatus: Type.Literal('Success'),
  ...UserTokenSchema.properties,
})

export const ShopperTokenBodySchema = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }),
})

export const SignInBodySchema = Type.Union(
  [
    Type.Object(
      {
        appKey: Type.String({ minLength: 1, maxLength: 200 }),
        appToken: Type.String({ minLength: 1, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { userToken: Type.String({ minLength: 1, maxLength: 1000 }) },
      { additionalProperties: false },
    ),
  ],
  { description: 'An AppKey and its AppToken, or a user token (VTEX ID or Ordo).' },
)

export const SessionSchema = Type.Object({
  account: Type.String(),
  appKey: Type.Union([Type.String(), Type.Null()], { description: 'The key the session acts as.' }),
  roles: Type.Array(Type.String()),
  resources: Type.Array(Type.String(), { description: 'What the roles allow (License Manager resources).' }),
})
