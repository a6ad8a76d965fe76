/** bcrypt is not implemented yet: Node.js ships no Blowfish. */
import { FunctionError } from './define';

export function bcryptHash(_text: string, _cost: number): string {
  throw new FunctionError('bcrypt is not available in Bakehouse yet: it needs a Blowfish implementation');
}
