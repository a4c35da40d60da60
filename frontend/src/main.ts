import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router';
import { restore } from './lib/session';
import { lang } from './lib/i18n';

document.documentElement.lang = lang.value;
void restore().then(() => {
  createApp(App).use(ElementPlus).use(router).mount('#app');
});
