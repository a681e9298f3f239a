import * as z from 'zod';

/**
 * Validation messages in plain words, for every shared schema on the server and in the browser (zod's own
 * defaults read "Too small: expected string to have >=1 characters"). Each message is the end of a sentence whose
 * start is the field's name — the API's error envelope prints "name is required", the forms' Field component
 * "Name is required" — so one message reads right in both. A schema's own message (`{ message: … }`) still wins.
 */
export function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined || issue.input === null) return issue.expected === 'undefined' ? undefined : 'is required';
      const expected = String(issue.expected);
      if (expected === 'int' || expected === 'bigint') return 'must be a whole number';
      if (expected === 'number') return 'must be a number';
      if (expected === 'string') return 'must be text';
      if (expected === 'boolean') return 'must be true or false';
      if (expected === 'array') return 'must be a list';
      if (expected === 'object' || expected === 'record') return 'must be a group of fields';
      if (expected === 'date') return 'must be a date';
      return undefined;
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      const atLeast = issue.inclusive === false ? 'more than' : 'at least';
      if (issue.origin === 'string') return n <= 1 ? 'is required' : `must be ${atLeast} ${n} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return n <= 1 ? 'needs at least one' : `needs ${atLeast} ${n}`;
      if (issue.origin === 'date') return `must be on or after ${new Date(n).toISOString().slice(0, 10)}`;
      return `must be ${atLeast} ${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      const atMost = issue.inclusive === false ? 'less than' : 'at most';
      if (issue.origin === 'string') return `must be ${atMost} ${n} ${n === 1 ? 'character' : 'characters'}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have ${atMost} ${n}`;
      if (issue.origin === 'date') return `must be on or before ${new Date(n).toISOString().slice(0, 10)}`;
      return `must be ${atMost} ${n}`;
    }
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return issue.values.length === 1 ? `must be ${words(issue.values[0])}` : `must be one of: ${issue.values.map(words).join(', ')}`;
    case 'invalid_format':
      switch (issue.format) {
        case 'email':
          return 'must be a valid email address';
        case 'uuid':
        case 'guid':
          return 'must be a valid id';
        case 'url':
          return 'must be a web address (https://…)';
        case 'datetime':
          return 'must be a date and time';
        case 'date':
          return 'must be a date written YYYY-MM-DD';
        case 'time':
          return 'must be a time written HH:MM';
        default:
          return 'is not written the right way';
      }
    case 'not_multiple_of':
      return Number(issue.divisor) === 1 ? 'must be a whole number' : `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a field' : 'fields'} that cannot be set here: ${issue.keys.join(', ')}`;
    case 'invalid_union': {
      // Each way it could have been written, said once: "must be a date and time or a date written YYYY-MM-DD".
      const ways = [...new Set((issue.errors ?? []).map((branch) => branch[0]?.message).filter((m): m is string => Boolean(m)))];
      if (ways.length && ways.every((w) => w.startsWith('must be '))) return `must be ${ways.map((w) => w.slice(8)).join(' or ')}`;
      return 'is not a valid value';
    }
    case 'invalid_key':
    case 'invalid_element':
      return 'has an entry that is not valid';
    default:
      return undefined;
  }
}

function words(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

z.config({ customError: (issue) => plainMessage(issue) });
