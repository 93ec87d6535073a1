/** `text` with the password of every URL in it (`scheme://user:password@host`) masked. */
export function hidePasswords(text: string): string {
  return text.replace(/\/\/([^:@/]+):[^@/]*@/g, '//$1:***@');
}
