// A GOV.UK textarea with its label, hint and inline error.
import { controlOf, Field, type FieldProps } from './field.js';

export interface TextareaProps extends Omit<FieldProps, 'children' | 'labelIsHeading'> {
  name?: string;
  value?: string;
  rows?: number;
}

export function Textarea(p: TextareaProps) {
  return (
    <Field {...p}>
      <textarea {...controlOf('textarea', p)} rows={p.rows ?? 3}>
        {p.value ?? ''}
      </textarea>
    </Field>
  );
}
