// Placeholder player entry: the real player app replaces this.
const root = document.getElementById('app');
if (root) root.textContent = 'Voice History player';
