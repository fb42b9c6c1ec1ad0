/** What went wrong with a form that no field of it shows (above or under the form). */
export function FormError({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p class="notice notice-error form-error" role="alert" data-form-error>
      {text}
    </p>
  );
}
