/** Where Lambkin says its functions live: one region of one account. */
export interface Region {
  region: string;
  accountId: string;
}

/** The ARN of a function, qualified when a qualifier is given. */
export function functionArn(
  where: Region,
  name: string,
  qualifier?: string,
): string {
  const base = `arn:aws:lambda:${where.region}:${where.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/** The default log group of a function. */
export const logGroupName = (name: string): string => `/aws/lambda/${name}`;

/** A function name as a caller gave it: plain, partial ARN or full ARN. */
export interface FunctionReference {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

const FUNCTION_NAME_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?" +
  "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

const FUNCTION_NAME_REGEX = new RegExp(
  "^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?" +
    "(?:((?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\\d{1}):)?" +
    "(?:(\\d{12}):)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\\$LATEST|[a-zA-Z0-9-_]+))?$",
);

/** The constraint text AWS quotes when a function name fails its pattern. */
export const FUNCTION_NAME_CONSTRAINT =
  "Member must satisfy regular expression pattern: " + FUNCTION_NAME_PATTERN;

/** Splits a FunctionName parameter into its parts, or undefined if malformed. */
export function parseFunctionReference(
  raw: string,
): FunctionReference | undefined {
  const match = FUNCTION_NAME_REGEX.exec(raw);
  if (!match) return undefined;
  const [, region, accountId, name, qualifier] = match;
  return { name: name!, qualifier, region, accountId };
}
