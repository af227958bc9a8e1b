/** @jest-environment jsdom */
import { fieldRole, isTextField, targetRole } from './fields';

function el(html: string): Element {
  const d = document.createElement('div');
  d.innerHTML = html;
  return d.firstElementChild!;
}

describe('fields', () => {
  it('tells text inputs from other controls', () => {
    expect(isTextField(el('<input>'))).toBe(true);
    expect(isTextField(el('<input type="EMAIL">'))).toBe(true);
    expect(isTextField(el('<input type="password">'))).toBe(true);
    expect(isTextField(el('<input type="hidden">'))).toBe(false);
    expect(isTextField(el('<input type="checkbox">'))).toBe(false);
    expect(isTextField(el('<textarea></textarea>'))).toBe(false);
    expect(isTextField(null)).toBe(false);
  });

  it.each([
    ['<input type="password" name="x">', 'password'],
    ['<input type="text" autocomplete="current-password">', 'password'],
    ['<input type="text" name="user_pass">', 'password'],
    ['<input autocomplete="username">', 'username'],
    ['<input type="email">', 'username'],
    ['<input name="login">', 'username'],
    ['<input id="emailAddress">', 'username'],
    ['<input name="q" type="search">', 'other'],
  ])('%s is %s', (html, role) => {
    expect(fieldRole(el(html))).toBe(role);
  });

  it('classifies click targets', () => {
    const form = el(
      '<form><button><span>Sign in</span></button><button type="button">x</button><input type="password"></form>',
    );
    expect(targetRole(form.querySelector('span'))).toBe('submit');
    expect(targetRole(form.querySelector('button[type=button]'))).toBe('other');
    expect(targetRole(form.querySelector('input'))).toBe('password');
    expect(targetRole(form)).toBe('other');
    expect(targetRole(el('<input type="submit">'))).toBe('submit');
  });
});
