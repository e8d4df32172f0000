import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { resetDrafts } from '../state/drafts';
import { ReplyBox } from './ReplyBox';

function renderBox(dialogId: number, onSend = vi.fn(async () => true), onTyping = vi.fn()) {
  const r = render(<ReplyBox key={dialogId} dialogId={dialogId} onSend={onSend} onTyping={onTyping} />);
  return { ...r, onSend, onTyping };
}

beforeEach(() => resetDrafts());

describe('ReplyBox', () => {
  it('sends on Enter and clears the draft', async () => {
    const user = userEvent.setup();
    const { onSend } = renderBox(1);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'Hello{Enter}');
    expect(onSend).toHaveBeenCalledWith('Hello', false, null, []);
    expect(box).toHaveValue('');
  });

  it('inserts a newline on Shift+Enter without sending', async () => {
    const user = userEvent.setup();
    const { onSend } = renderBox(1);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'one{Shift>}{Enter}{/Shift}two');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('one\ntwo');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('one\ntwo', false, null, []);
  });

  it('does not send blank text', async () => {
    const user = userEvent.setup();
    const { onSend } = renderBox(1);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('sends a hidden message when "Hidden message" is checked, without typing notices', async () => {
    const user = userEvent.setup();
    const { onSend, onTyping } = renderBox(1);
    await user.click(screen.getByRole('checkbox', { name: 'Hidden message' }));
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'note{Enter}');
    expect(onSend).toHaveBeenCalledWith('note', true, null, []);
    expect(onTyping).not.toHaveBeenCalled();
  });

  it('reports typing for public replies', async () => {
    const user = userEvent.setup();
    const { onTyping } = renderBox(1);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'ab');
    expect(onTyping).toHaveBeenCalled();
  });

  it('keeps a draft per dialog when switching', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn(async () => true);
    const { rerender } = renderBox(1, onSend);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'for one');
    rerender(<ReplyBox key={2} dialogId={2} onSend={onSend} onTyping={() => {}} />);
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'for two');
    rerender(<ReplyBox key={1} dialogId={1} onSend={onSend} onTyping={() => {}} />);
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('for one');
    expect(JSON.parse(sessionStorage.getItem('omniline.draft.2')!).text).toBe('for two');
  });

  it('restores a draft from sessionStorage after a reload', () => {
    sessionStorage.setItem('omniline.draft.7', JSON.stringify({ text: 'saved', replyTo: 3 }));
    renderBox(7);
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('saved');
    expect(screen.getByText('Replying to message #3')).toBeInTheDocument();
  });

  it('keeps the draft when sending fails', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn(async () => false);
    renderBox(1, onSend);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'try{Enter}');
    expect(onSend).toHaveBeenCalled();
    expect(box).toHaveValue('try');
  });
});
