// Airlock dashboard: progressive enhancement only. Every page works without
// this file; it adds the inbox's live updates, keyboard shortcuts,
// confirmations before a decision, and ticking expiry times.
;(() => {
  const body = document.body
  const base = body.dataset.base || ''

  // Confirm before a decision is sent. The submitting button carries the question.
  document.addEventListener('submit', (event) => {
    const button = event.submitter
    const question = button?.dataset.confirm || event.target.dataset.confirm
    if (question && !window.confirm(question)) event.preventDefault()
  })

  // Expiry countdowns.
  const human = (ms) => {
    const s = Math.max(0, Math.round(ms / 1000))
    if (s < 60) return `${s} s`
    const m = Math.floor(s / 60)
    if (m < 60) return `${m} min ${s % 60} s`
    const h = Math.floor(m / 60)
    return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`
  }
  const tick = () => {
    for (const el of document.querySelectorAll('[data-expires]')) {
      const left = Date.parse(el.dataset.expires) - Date.now()
      el.textContent = left > 0 ? `expires in ${human(left)}` : 'expired'
      el.classList.toggle('soon', left > 0 && left < 5 * 60_000)
    }
  }
  setInterval(tick, 1000)

  // Live inbox: the server says when the pending list changed; the list is re-rendered by the server.
  const inbox = document.querySelector('[data-live]')
  let selected = 0
  const cards = () => [...document.querySelectorAll('article.approval')]
  const select = (index) => {
    const all = cards()
    if (all.length === 0) return
    selected = Math.max(0, Math.min(all.length - 1, index))
    for (const [i, card] of all.entries()) card.classList.toggle('selected', i === selected)
    all[selected].focus({ preventScroll: false })
  }
  if (inbox) {
    const state = inbox.querySelector('.live-state')
    const refresh = async () => {
      const response = await fetch(inbox.dataset.fragment, { credentials: 'same-origin', cache: 'no-store' })
      if (!response.ok) return
      const html = await response.text()
      const list = document.getElementById('inbox-list')
      const focusedId = document.activeElement?.closest?.('article.approval')?.id
      const typing = document.activeElement?.matches?.('input, textarea')
      if (typing) return // Never pull a form out from under someone typing a comment; the next change refreshes.
      list.outerHTML = html
      const again = focusedId ? document.getElementById(focusedId) : null
      if (again) select(cards().indexOf(again))
      tick()
    }
    const source = new EventSource(inbox.dataset.live)
    source.addEventListener('inbox', () => void refresh())
    source.addEventListener('open', () => {
      if (state) state.textContent = 'live'
    })
    source.addEventListener('error', () => {
      if (state) state.textContent = 'reconnecting…'
    })
  }

  // Keyboard shortcuts: g then a letter moves between pages; in the inbox j/k/y/n/c act on the selected card.
  let pending = null
  const go = { o: 'overview', i: 'inbox', a: 'audit', c: 'actions', p: 'policies' }
  const help =
    'Shortcuts:\n  g o / g i / g a / g c / g p  overview, inbox, audit, actions, policies\n' +
    '  j / k  next / previous approval\n  y  approve   n  reject   c  write a comment\n' +
    '  ]  older audit events\n  /  first filter field'
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    const target = event.target
    if (target.matches?.('input, textarea, select')) {
      if (event.key === 'Escape') target.blur()
      return
    }
    const key = event.key
    if (pending === 'g') {
      pending = null
      if (go[key]) window.location.href = `${base}/${go[key]}`
      return
    }
    if (key === 'g') {
      pending = 'g'
      return
    }
    if (key === '?') return window.alert(help)
    if (key === '/') {
      const field = document.querySelector('form.filters input, form.filters select')
      if (field) {
        event.preventDefault()
        field.focus()
      }
      return
    }
    if (key === ']') {
      const next = document.querySelector('a[rel="next"]')
      if (next) window.location.href = next.href
      return
    }
    const all = cards()
    if (all.length === 0) return
    if (key === 'j') return select(selected + 1)
    if (key === 'k') return select(selected - 1)
    const card = all[selected]
    if (key === 'c') {
      event.preventDefault()
      card.querySelector('input[name="comment"]')?.focus()
    } else if (key === 'y' || key === 'n') {
      const button = card.querySelector(key === 'y' ? 'button.approve' : 'button.reject')
      if (button) button.form.requestSubmit(button)
    }
  })
  if (inbox) select(0)
  tick()
})()
