import type { VapTranslation } from './translation.js';

// Docker's reference grammar (core/images/reference.ts), as RE2 for CEL's matches(): an image
// the check cannot parse (upper case, bad tag) is not judged. IPv6 registries are not matched.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:[.]${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`;
const TAG = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** The reference without its tag, and the tag ('' when none), of the image `i`. */
const tagStart = (i: string) => `(${i}.lastIndexOf(':') > ${i}.lastIndexOf('/') ? ${i}.lastIndexOf(':') : ${i}.size())`;
const name = (i: string) => `${i}.substring(0, ${tagStart(i)})`;
const tag = (i: string) => `${i}.substring(${tagStart(i)} == ${i}.size() ? ${i}.size() : ${tagStart(i)} + 1)`;

export default {
  id: 'image-latest-tag',
  matches: 'workloads',
  validations: () => [
    {
      // A digest decides what is pulled; an unparsable reference is not judged.
      expression:
        `variables.containers.all(c, !has(c.image) || c.image.contains('@') || c.image.matches('^[a-f0-9]{64}$') || !${name('c.image')}.matches('${NAME}')` +
        ` || (${tagStart('c.image')} != c.image.size() && (!${tag('c.image')}.matches('${TAG}') || ${tag('c.image')} != 'latest')))`,
      message: 'a container uses an image with the latest tag or no tag (which means latest)',
    },
  ],
} satisfies VapTranslation;
