import { z } from 'zod';

/** Plain-language messages for the cases zod words for developers. */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `must be a ${issue.expected}`;
    if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
    return undefined;
  },
});
