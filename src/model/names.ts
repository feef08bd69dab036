// Validation of the names that reach a host. Names come from .vnet files and from hosts, and both are
// untrusted: a name is checked here before it is quoted into any command.

export interface NameProblem {
  code: string;
  message: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Interface names: what the kernel's dev_valid_name accepts, minus control characters. */
export function checkInterfaceName(name: string): NameProblem | null {
  if (name.length === 0) return { code: 'VN-NAME-EMPTY', message: 'An interface name cannot be empty.' };
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > 15) {
    return {
      code: 'VN-NAME-LONG',
      message: `Interface name "${name}" is ${bytes} bytes; Linux allows at most 15. Choose a shorter name.`,
    };
  }
  if (name === '.' || name === '..') return { code: 'VN-NAME-CHARS', message: `"${name}" is not a valid interface name.` };
  if (/[\s/:]/.test(name) || CONTROL.test(name)) {
    return {
      code: 'VN-NAME-CHARS',
      message: `Interface name "${printable(name)}" contains a character Linux refuses (space, "/", ":" or a control character).`,
    };
  }
  return null;
}

/** Named namespaces are files under /run/netns. */
export function checkNamespaceName(name: string): NameProblem | null {
  if (name.length === 0) return { code: 'VN-NAME-EMPTY', message: 'A namespace name cannot be empty.' };
  if (Buffer.byteLength(name, 'utf8') > 255) return { code: 'VN-NAME-LONG', message: 'A namespace name is at most 255 bytes.' };
  if (name === '.' || name === '..' || name.includes('/') || CONTROL.test(name)) {
    return {
      code: 'VN-NAME-CHARS',
      message: `Namespace name "${printable(name)}" cannot be "." or "..", nor contain "/" or control characters.`,
    };
  }
  return null;
}

/** Lab names become ownership marks (`vnet:<lab>`) in interface aliases and iptables comments. */
export function checkLabName(name: string): NameProblem | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(name)) {
    return {
      code: 'VN-NAME-LAB',
      message: `Lab name "${printable(name)}" must be 1–32 letters, digits, "_", "." or "-", starting with a letter or digit.`,
    };
  }
  return null;
}

/** Chain names of iptables: at most 28 characters, no spaces, and not an option. */
export function checkChainName(name: string): NameProblem | null {
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,27}$/.test(name)) {
    return {
      code: 'VN-NAME-CHAIN',
      message: `Chain name "${printable(name)}" must be 1–28 letters, digits, "_", "." or "-", not starting with "-".`,
    };
  }
  return null;
}

/** Shows control characters as escapes so that an error message never carries them raw. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
