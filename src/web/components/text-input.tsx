// A GOV.UK text input with its label, hint and inline error; the value is escaped by JSX.
import type { Child } from 'hono/jsx';
import { controlOf, Field, type FieldProps } from './field.js';

export interface TextInputProps extends Omit<FieldProps, 'children'> {
  name?: string;
  value?: string;
  type?: 'text' | 'email' | 'tel' | 'password';
  autocomplete?: string;
  spellcheck?: boolean;
  inputmode?: 'text' | 'email' | 'tel' | 'numeric';
  maxlength?: number;
  widthClass?: string;
  list?: string;
  /** After the input, e.g. its datalist. */
  children?: Child;
}

export function TextInput(p: TextInputProps) {
  return (
    <Field {...p}>
      <input
        {...controlOf('input', p)}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        autocomplete={p.autocomplete}
        spellcheck={p.spellcheck}
        inputmode={p.inputmode}
        maxlength={p.maxlength}
        list={p.list}
      />
      {p.children}
    </Field>
  );
}
