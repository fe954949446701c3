// Puts text where the caret is in a textarea (or over the selection), and answers the new value for Blazor to keep.
export function insertAtCaret(id, text) {
    const field = document.getElementById(id);
    if (!field) return null;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.selectionStart = field.selectionEnd = start + text.length;
    field.focus();
    return field.value;
}
